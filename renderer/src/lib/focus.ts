/**
 * Focus a field once its modal has opened. The shared Dialog calls showModal() in its own effect,
 * after ours, and showModal() moves focus to the first control (the close button); React's
 * autoFocus runs too early to survive that, so focus on the next frame instead. `ready`: the
 * field is rendered (a dialog that first shows nothing while loading).
 */
import { useEffect, useRef } from 'react';

export function useInitialFocus<T extends HTMLElement>(ready = true) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!ready) return;
    const id = requestAnimationFrame(() => ref.current?.focus());
    return () => cancelAnimationFrame(id);
  }, [ready]);
  return ref;
}
