import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [forbidInlineCodeInHtml()],
  build: {
    // Maven packs target/classes into this module's jar; Spring Boot serves classpath:static/.
    outDir: 'target/classes/static',
    emptyOutDir: true,
  },
  server: {
    // `npm run dev` talks to a Taidon server started separately on its default port. The proxy
    // drops Origin: to the server the page then looks same-origin, as it is when the server serves it.
    proxy: {
      '/api': {
        target: 'http://localhost:8080',
        configure: (proxy) => proxy.on('proxyReq', (request) => request.removeHeader('origin')),
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});

/** Fails the build if index.html would need 'unsafe-inline' under a strict Content-Security-Policy. */
function forbidInlineCodeInHtml(): Plugin {
  return {
    name: 'taidon:forbid-inline-code-in-html',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
          const offence =
            /^<script\b/i.test(tag) && !/\ssrc\s*=/i.test(tag)
              ? 'an inline <script>'
              : /^<style\b/i.test(tag)
                ? 'a <style> element'
                : /\s(style|on[a-z]+)\s*=/i.test(tag)
                  ? 'an inline style or event handler attribute'
                  : undefined;
          if (offence !== undefined) {
            throw new Error(`index.html contains ${offence} (${tag}), which a strict Content-Security-Policy blocks`);
          }
        }
        return html;
      },
    },
  };
}
