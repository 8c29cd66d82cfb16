// The fixture's own "encryption": XOR with a random 32-byte key. It is NOT
// the app's AES-256-GCM; it only gives the journey a key that lives in the
// link fragment and a ciphertext that differs from the file.
const FixtureCrypto = {
  newKey() { return crypto.getRandomValues(new Uint8Array(32)); },
  xor(data, key) {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] ^ key[i % key.length];
    return out;
  },
  b64url(bytes) {
    let s = '';
    bytes.forEach((b) => { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  },
  fromB64url(s) {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  },
};
