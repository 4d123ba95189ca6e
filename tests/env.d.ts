// Types `exports` from cloudflare:workers as the Worker's own entry points.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
}
