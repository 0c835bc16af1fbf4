// Keeps a long import's memory flat. V8 lets the old generation grow to a few times its live
// size before it collects; an import promotes most of its rows (a chunk lives across its
// database round trips), so a million-row file would settle hundreds of megabytes above
// what it holds. A full collection every `everyRows` rows (a few dozen milliseconds each,
// ~50 at 1M rows) keeps the peak close to the live set.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

/** A progress callback that runs a full collection each time `everyRows` more rows are done. */
export function heapNudge(everyRows = 5000): (rowsDone: number) => void {
  let next = everyRows;
  return (rowsDone) => {
    if (rowsDone < next) return;
    next = rowsDone + everyRows;
    collector()?.();
  };
}
