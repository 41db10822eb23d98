// Writes ../onnx-schema.json, the protobufjs JSON descriptor of ONNX's own schema
// (onnx.proto beside this script, copied unchanged from github.com/onnx/onnx at tag v1.22.0,
// Apache-2.0). The engine decodes .onnx files with protobufjs/light and this descriptor, so
// no .proto parser ships and the schema is the official one, field numbers and all.
//
//   node src/engine/oracle/onnx/schema/make-onnx-schema.mjs
import protobuf from 'protobufjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { root } = protobuf.parse(readFileSync(join(here, 'onnx.proto'), 'utf8'), { keepCase: true });
writeFileSync(join(here, '..', 'onnx-schema.json'), JSON.stringify(root.toJSON(), null, 1) + '\n');
