/** Runs one engine method by name with arguments already checked against its schema (protocol.ts). */
import type { ConflictChoice, SyncEngine } from '../app/ports.ts';
import type { PullOptions } from '#shared/sync/index';
import type { MethodName } from './protocol.ts';

export async function invokeEngine(e: SyncEngine, method: MethodName, args: readonly unknown[]): Promise<unknown> {
  // parseArgs has checked each tuple against METHODS, so these casts name what was validated.
  switch (method) {
    case 'start': e.start(); return undefined;
    case 'stop': await e.stop(); return undefined;
    case 'syncNow': return e.syncNow();
    case 'push': return e.push();
    case 'pull': return e.pull(args[0] as PullOptions | undefined);
    case 'notifyLocalChange': e.notifyLocalChange(); return undefined;
    case 'setOnline': e.setOnline(args[0] as boolean); return undefined;
    case 'resume': e.resume(); return undefined;
    case 'setVisible': e.setVisible(args[0] as boolean); return undefined;
    case 'refreshActivity': return e.refreshActivity(args[0] as string);
    case 'authRestored': e.authRestored(); return undefined;
    case 'retryOp': await e.retryOp(args[0] as string, args[1] as Record<string, unknown> | undefined); return undefined;
    case 'discardOp': await e.discardOp(args[0] as string); return undefined;
    case 'resolveConflict': await e.resolveConflict(args[0] as string, args[1] as ConflictChoice); return undefined;
    case 'pullDirectory': return e.pullDirectory();
    case 'whoAmI': return e.whoAmI();
  }
}
