/// <reference types="vitest/config" />
// The storefront's build: React + Tailwind, emitted into dist/ with content-hashed names
// under assets/ (the storefront component caches those as immutable; see
// docs/services/storefront.md). In development, /api is proxied to a running `make up`.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
