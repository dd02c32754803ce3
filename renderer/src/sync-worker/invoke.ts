/**
 * Runs one engine method by name with arguments already checked against its schema (protocol.ts).
 * No switch to keep in step: METHODS is checked against the engine's type, and the call is made by
 * name, so every method in METHODS reaches the engine method of that name.
 */
import type { MethodName, RpcEngine } from './protocol.ts';

export async function invokeEngine(e: RpcEngine, method: MethodName, args: readonly unknown[]): Promise<unknown> {
  // parseArgs has checked the tuple against METHODS[method].args, which matches the method's parameters.
  const fn = e[method] as (...a: unknown[]) => unknown;
  return await fn.apply(e, [...args]);
}
