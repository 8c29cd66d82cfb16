// Follows the recorded journey: gate -> check-token -> file -> create/upload/complete -> link.
const $ = (id) => document.getElementById(id);
let gateValue = '';
$('access-token-submit').addEventListener('click', async () => {
  const v = $('access-token-input').value.trim().toLowerCase(); // the real gate lower-cases too
  if (!v) { $('access-token-error').classList.remove('hidden'); return; }
  const r = await fetch('/api/transfers/check-token/' + encodeURIComponent(v));
  const j = r.ok ? await r.json() : {};
  if (!j.valid) { $('access-token-error').classList.remove('hidden'); return; }
  gateValue = v;
  localStorage.setItem('sgraph-send-token', v);
  $('gate').classList.add('hidden');
  $('token-status-bar').classList.remove('hidden');
  $('upload').classList.remove('hidden');
});
$('browse-file-btn').addEventListener('click', () => $('file-input').click());
$('file-input').addEventListener('change', () => {
  if ($('file-input').files.length) $('upload-btn').classList.remove('hidden');
});
$('upload-btn').addEventListener('click', async () => {
  const file = $('file-input').files[0];
  const h = {'x-sgraph-access-token': gateValue};
  try {
    const plain = new Uint8Array(await file.arrayBuffer());
    const key = FixtureCrypto.newKey();
    const cipher = await FixtureCrypto.seal(plain, key);
    let r = await fetch('/api/transfers/create', {method: 'POST', headers: {...h, 'content-type': 'application/json'},
      body: JSON.stringify({file_size_bytes: cipher.length, content_type_hint: 'application/octet-stream'})});
    if (!r.ok) throw new Error('create ' + r.status);
    const id = (await r.json()).transfer_id;
    r = await fetch('/api/transfers/upload/' + id, {method: 'POST', headers: {...h, 'content-type': 'application/octet-stream'}, body: cipher});
    if (!r.ok) throw new Error('upload ' + r.status);
    r = await fetch('/api/transfers/complete/' + id, {method: 'POST', headers: h});
    if (!r.ok) throw new Error('complete ' + r.status);
    const link = location.origin + '/en-gb/download/#' + id + '/' + FixtureCrypto.b64url(key);
    $('combined-link').textContent = link;
    $('open-link').href = link;
    $('result').classList.remove('hidden');
  } catch (err) {
    $('upload-error').textContent = String(err);
    $('gate').classList.remove('hidden'); // the real page drops back to the gate
    $('access-token-error').classList.remove('hidden');
  }
});
