// The fixture's own "encryption": XOR with a random 32-byte key. It is NOT
// the app's AES-256-GCM; it only gives the journey a key that lives in the
// link fragment and a ciphertext that differs from the file. Like AES-GCM's
// tag, a SHA-256 of key and file follows the ciphertext, so a changed byte
// or a wrong key does not decrypt (the real page then shows its key form).
const FixtureCrypto = {
  async tag(key, plain) {
    const both = new Uint8Array(key.length + plain.length);
    both.set(key); both.set(plain, key.length);
    return new Uint8Array(await crypto.subtle.digest('SHA-256', both));
  },
  async seal(plain, key) {
    const body = this.xor(plain, key), tag = await this.tag(key, plain);
    const out = new Uint8Array(body.length + tag.length);
    out.set(body); out.set(tag, body.length);
    return out;
  },
  // open returns the file, or null when the key does not fit the bytes.
  async open(sealed, key) {
    if (!key.length || sealed.length < 32) return null;
    const plain = this.xor(sealed.subarray(0, sealed.length - 32), key);
    const want = await this.tag(key, plain), got = sealed.subarray(sealed.length - 32);
    return want.every((b, i) => b === got[i]) ? plain : null;
  },
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
