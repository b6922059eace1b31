import { createRouter, createWebHistory } from 'vue-router'
import { signedIn } from './session'

// Pages load on demand: the sign-in page and the worklists come first; charts (ECharts) only
// with the dashboard.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/signin', component: () => import('./pages/SignIn.vue'), meta: { title: '登录', public: true } },
    { path: '/auth/callback', component: () => import('./pages/Callback.vue'), meta: { title: '登录', public: true } },
    { path: '/', redirect: '/today' },
    { path: '/today', component: () => import('./pages/Today.vue'), meta: { title: '今日工作' } },
    { path: '/reports', component: () => import('./pages/Reports.vue'), meta: { title: '信访举报' } },
    { path: '/reports/:id', component: () => import('./pages/ReportDetail.vue'), meta: { title: '举报件详情' } },
    { path: '/warnings', component: () => import('./pages/Warnings.vue'), meta: { title: '预警看板' } },
    { path: '/warnings/:id', component: () => import('./pages/WarningDetail.vue'), meta: { title: '预警详情' } },
    { path: '/officials', component: () => import('./pages/Officials.vue'), meta: { title: '廉政档案' } },
    { path: '/officials/:id', component: () => import('./pages/OfficialFile.vue'), meta: { title: '个人廉政档案' } },
    { path: '/dashboard', component: () => import('./pages/Dashboard.vue'), meta: { title: '统计分析' } },
    { path: '/risk-points', component: () => import('./pages/RiskPoints.vue'), meta: { title: '风险点' } },
    { path: '/inspection', component: () => import('./pages/Inspection.vue'), meta: { title: '内部巡察' } },
    { path: '/:rest(.*)*', redirect: '/today' },
  ],
})

router.beforeEach((to) => {
  if (!to.meta.public && !signedIn.value) return { path: '/signin', query: { next: to.fullPath } }
})
router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? ''} · 无影灯`
})
