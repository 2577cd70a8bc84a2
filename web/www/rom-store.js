// The user's ROM, kept in IndexedDB so that a static host asks for it only once.
// (ROMs are never bundled with the page or fetched from anywhere but the user's own disk or
// the local `qarcade serve`.)

const DB = 'qarcade';
const STORE = 'roms';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The stored ROM for `game` as a Uint8Array, or null. Never throws (no storage: null). */
export async function loadRom(game) {
  try {
    const value = await run('readonly', (store) => store.get(game));
    return value ? new Uint8Array(value) : null;
  } catch {
    return null;
  }
}

/** Stores a ROM the caller has checked (by MD5). Returns false where storage is unavailable. */
export async function storeRom(game, bytes) {
  try {
    await run('readwrite', (store) => store.put(bytes.slice().buffer, game));
    return true;
  } catch {
    return false;
  }
}

/** Forgets the stored ROM. */
export async function forgetRom(game) {
  try {
    await run('readwrite', (store) => store.delete(game));
  } catch {
    /* nothing stored, nothing to forget */
  }
}
