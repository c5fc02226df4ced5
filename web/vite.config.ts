import { defineConfig } from 'vite';

// Fixed output names (no content hashes) keep the build reproducible, so
// check-dist.sh can diff a fresh build against the committed dist.
export default defineConfig({
  base: '/',
  build: {
    outDir: process.env.YARDSTICK_DIST_OUT || '../internal/web/dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/app.js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
});
