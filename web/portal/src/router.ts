import { createRouter, createWebHistory } from 'vue-router'
import FollowUp from './pages/FollowUp.vue'
import Library from './pages/Library.vue'
import Report from './pages/Report.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: Report, meta: { title: '我要举报' } },
    { path: '/follow-up', component: FollowUp, meta: { title: '查询与补充' } },
    { path: '/library', component: Library, meta: { title: '公开资料' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? ''} · 廉情信息网上举报`
})
