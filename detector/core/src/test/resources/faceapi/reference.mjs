// Reproduces faceapi-detections.txt with face-api itself (not run by the build; it needs npm packages):
//   mkdir ref && cd ref && npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0
//   cp <face-api 1.7.15 package>/dist/face-api.node-wasm.js . ; write each demo photo's OpenCV-decoded RGB
//   bytes as sampleN.jpg.<W>x<H>.rgb here; FACEAPI_MODEL=<package>/model node reference.mjs > faceapi.txt
import { createRequire } from 'module';
import fs from 'fs';

const require = createRequire(import.meta.url);
const faceapi = require('./face-api.node-wasm.js');
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();
const dir = process.env.FACEAPI_MODEL;
const manifest = JSON.parse(fs.readFileSync(`${dir}/tiny_face_detector_model-weights_manifest.json`));
const bin = fs.readFileSync(`${dir}/tiny_face_detector_model.bin`);
const weightMap = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  manifest[0].weights);
await faceapi.nets.tinyFaceDetector.loadFromWeightMap(weightMap);
let out = '';
for (const f of fs.readdirSync('.').filter((n) => n.endsWith('.rgb')).sort()) {
  const name = `${f.split('.jpg.')[0]}.jpg`;
  const [w, h] = f.split('.jpg.')[1].replace('.rgb', '').split('x').map(Number);
  const t = tf.tensor3d(new Int32Array(fs.readFileSync(f)), [h, w, 3], 'int32');
  for (const size of [320, 416, 608]) {
    const dets = await faceapi.nets.tinyFaceDetector.locateFaces(t,
      new faceapi.TinyFaceDetectorOptions({ inputSize: size, scoreThreshold: 0.5 }));
    dets.sort((a, b) => b.score - a.score);
    for (const d of dets) {
      out += `${name} ${size} ${d.score.toFixed(4)} ${d.box.x.toFixed(1)} ${d.box.y.toFixed(1)} `
        + `${d.box.width.toFixed(1)} ${d.box.height.toFixed(1)}\n`;
    }
  }
  t.dispose();
}
process.stdout.write(out);
