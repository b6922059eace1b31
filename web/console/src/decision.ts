// A decision sent from a dialog: busy while it runs, a Chinese message either way, the result
// handed on. Shared by the warning and identity-request dialogs.
import { describeError } from '@shared/client'
import { ElMessage } from 'element-plus'
import { ref } from 'vue'

export function useDecision(done: (result: any) => void) {
  const busy = ref(false)
  async function send(call: () => Promise<any>, success: string) {
    busy.value = true
    try {
      const result = await call()
      ElMessage.success(success)
      done(result)
    } catch (e) {
      ElMessage.error({ message: describeError(e), duration: 6000 })
    } finally {
      busy.value = false
    }
  }
  return { busy, send }
}
