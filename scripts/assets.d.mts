/** Paths relative to `root` of the run-time assets under tsconfig.build.json's folders. */
export function runtimeAssets(root: string): string[];
