// The copy step has no exports: importing it runs it (vitest.config.ts).
export {};
