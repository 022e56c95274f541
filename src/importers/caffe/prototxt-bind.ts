import protobuf from "protobufjs";
import { textError, type TextField, type TextValue, type Token } from "./prototxt.js";

/**
 * Gives parsed prototxt fields the types of a protobufjs message type, producing the same plain
 * object shape as a decoded binary message (messages.ts): every repeated field is an array, an
 * optional field is present only when written, enums are numbers.
 *
 * Fields the schema does not know are skipped: schema.ts is a subset of caffe.proto, and real
 * prototxts carry fillers, learning rates, data sources and fork-specific parameters Egret never
 * reads. A known field with a value of the wrong kind is an error at its line:column.
 */
export function bindMessage(fields: readonly TextField[], type: protobuf.Type, source: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) if (f.repeated) out[f.name] = [];
  for (const field of fields) {
    const def = type.fields[field.name];
    if (!def) continue;
    const value = bindValue(field, def, source);
    if (def.repeated) (out[def.name] as unknown[]).push(value);
    else if (Object.prototype.hasOwnProperty.call(out, def.name)) textError(source, field, `field "${field.name}" is given twice, but it holds a single value`);
    else out[def.name] = value;
  }
  return out;
}

function bindValue(field: TextField, def: protobuf.Field, source: string): unknown {
  const resolved = def.resolve().resolvedType;
  if (resolved instanceof protobuf.Type) {
    if (field.value.kind !== "message") textError(source, field, `field "${field.name}" is a message: write ${field.name} { ... }`);
    return bindMessage(field.value.fields, resolved, source);
  }
  const token = scalarToken(field, field.value, source);
  if (resolved instanceof protobuf.Enum) return enumValue(token, field.name, resolved, source);
  switch (def.type) {
    case "string":
      if (token.kind !== "string") textError(source, token, `field "${field.name}" takes a quoted string, found ${token.text}`);
      return token.text;
    case "bool":
      return boolValue(token, field.name, source);
    case "float":
    case "double":
      return floatValue(token, field.name, source);
    case "int32":
      return intValue(token, field.name, source, -(2 ** 31), 2 ** 31 - 1);
    case "uint32":
      return intValue(token, field.name, source, 0, 2 ** 32 - 1);
    default:
      return textError(source, token, `field "${field.name}" has type ${def.type}, which the prototxt reader does not handle`);
  }
}

function scalarToken(field: TextField, value: TextValue, source: string): Token {
  if (value.kind === "message") return textError(source, value.pos, `field "${field.name}" takes a single value, not a message`);
  return value.token;
}

function enumValue(token: Token, field: string, e: protobuf.Enum, source: string): number {
  if (token.kind === "ident" && Object.prototype.hasOwnProperty.call(e.values, token.text)) return e.values[token.text]!;
  if (token.kind === "number") {
    const n = Number(token.text);
    if (Number.isInteger(n) && Object.values(e.values).includes(n)) return n;
  }
  return textError(source, token, `"${token.text}" is not a value of field "${field}"; expected one of ${Object.keys(e.values).join(", ")}`);
}

function boolValue(token: Token, field: string, source: string): boolean {
  const t = token.text;
  if (token.kind === "ident" && (t === "true" || t === "True" || t === "t")) return true;
  if (token.kind === "ident" && (t === "false" || t === "False" || t === "f")) return false;
  if (token.kind === "number" && (t === "1" || t === "0")) return t === "1";
  return textError(source, token, `field "${field}" takes true or false, found ${t}`);
}

function parseNumber(token: Token): number {
  const t = token.text.toLowerCase();
  const sign = t.startsWith("-") ? -1 : 1;
  const body = t.replace(/^[+-]/, "");
  if (body === "inf" || body === "infinity") return sign * Infinity;
  if (body === "nan") return NaN;
  if (/^0x[0-9a-f]+$/.test(body)) return sign * parseInt(body.slice(2), 16);
  // Floats may carry a C-style "f" suffix (1.5f); Number() rejects anything else malformed.
  const plain = /^[0-9.]/.test(body) && body.endsWith("f") && !body.startsWith("0x") ? body.slice(0, -1) : body;
  return plain === "" ? NaN : sign * Number(plain);
}

function floatValue(token: Token, field: string, source: string): number {
  const ident = token.kind === "ident" && /^(inf|infinity|nan)$/i.test(token.text);
  if (token.kind !== "number" && !ident) textError(source, token, `field "${field}" takes a number, found ${token.text}`);
  const v = parseNumber(token);
  if (Number.isNaN(v) && !/nan$/i.test(token.text)) textError(source, token, `"${token.text}" is not a valid number`);
  return v;
}

function intValue(token: Token, field: string, source: string, min: number, max: number): number {
  const v = token.kind === "number" ? parseNumber(token) : NaN;
  if (!Number.isInteger(v)) textError(source, token, `field "${field}" takes an integer, found ${token.text}`);
  if (v < min || v > max) textError(source, token, `${token.text} is out of range for field "${field}" (${min} to ${max})`);
  return v;
}
