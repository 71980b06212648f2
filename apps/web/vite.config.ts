import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The BFF serves the built SPA in production; in development Vite serves it and forwards /api
// (including the Server-Sent Events stream) to the BFF so cookies stay same-origin.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
