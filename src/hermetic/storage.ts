// Where the hermetic engine keeps its /var/lib/docker. Both are fresh per run and removed
// with it. tmpfs is the default where memory allows: on a disk that has seen many layers
// created and removed (every run's), ext4's inode allocator made `docker load` in the engine
// three times slower than untarring the same layers (9.1 s against 2.9 s, 3.8 s on a tmpfs;
// the README's Dagger section); in memory the load and the stack's writes cost what they
// should. A small machine gets the volume.
import { totalmem } from "node:os";
import { UsageError } from "../errors.ts";
import { STORAGES } from "../report/environment.ts";

export type EngineStorage = { kind: "tmpfs"; sizeMiB: number } | { kind: "volume" };

/** Below this much memory the default is the volume (the images and the stack's data fit a tmpfs of half of it above). */
export const TMPFS_MIN_MEMORY = 8 * 2 ** 30;

/** The engine's storage: the caller's --engine-storage, else tmpfs with half of memory as its cap where there are 8 GiB, else the volume. */
export function engineStorage(requested: string | undefined, memoryBytes = totalmem()): EngineStorage {
  if (requested !== undefined && !(STORAGES as readonly string[]).includes(requested))
    throw new UsageError(`--engine-storage ${requested}: give ${STORAGES.join(" or ")}`);
  const kind = requested ?? (memoryBytes >= TMPFS_MIN_MEMORY ? "tmpfs" : "volume");
  return kind === "tmpfs" ? { kind, sizeMiB: Math.floor(memoryBytes / 2 / 2 ** 20) } : { kind: "volume" };
}
