/** A port as better-sqlite3 serves it: the same methods, answering synchronously. */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

/** Runs a synchronous call as the port's asynchronous one (e.g. once a connection lock is held). */
export type Runner = <R>(call: () => R) => Promise<R>;

/** The asynchronous port over a synchronous repo: every method call goes through `run`. */
export function asyncRepo<T extends object>(repo: Synchronous<T>, run: Runner): T {
  return new Proxy(repo, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (...args: unknown[]) => run(() => (value as (...a: unknown[]) => unknown).apply(target, args)) : value;
    },
  }) as unknown as T;
}
