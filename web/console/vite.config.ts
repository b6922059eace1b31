import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'

// Element Plus on demand (only the components the pages use, with their CSS) keeps the first
// load small; `npm run dev` proxies the API to the gateway so one origin is kept in development.
const gateway = process.env.WUYING_GATEWAY ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],
  resolve: { alias: { '@shared': fileURLToPath(new URL('../shared', import.meta.url)) } },
  build: { target: 'es2020', chunkSizeWarningLimit: 700 },
  server: {
    proxy: { '/api': gateway, '/config.json': gateway, '/auth/dev-token': gateway },
    fs: { allow: ['..'] },
  },
})
