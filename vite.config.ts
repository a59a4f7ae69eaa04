import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The API port is read when Vite loads this file (dev only), never at import
// time of app code; `npm run dev` sets it for the API server it starts.
const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? 3001}`

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    // The editor chunk (Tiptap + ProseMirror + Yjs) is ~650 kB minified and is
    // loaded only on /d/<id>; the home page does not wait for it.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      // One rule covers HTTP and the collaboration WebSocket (`/api/collab`).
      '/api': { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
})
