import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { restore } from './session'
import './style.css'

restore()
createApp(App).use(router).mount('#app')
