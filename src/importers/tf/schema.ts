import protobuf from "protobufjs";

/**
 * The subset of TensorFlow's graph.proto, node_def.proto, attr_value.proto, tensor.proto and
 * tensor_shape.proto (proto3, package `tensorflow`) that Egret reads, as a protobufjs JSON
 * descriptor. Field numbers and types are copied from those files; fields Egret never looks at
 * (device placement, debug info, function libraries, resource handles, variants) are left out, so
 * the decoder skips them as unknown fields. Embedded in TypeScript so `tsc` output needs no data files.
 *
 * `DataType` enums are declared as int32: the values are the same varints on the wire and an
 * unknown code then reaches Egret's own error message instead of protobufjs' enum handling.
 */
/** NodeDef.attr is `map<string, AttrValue>`; a map field descriptor is an IField with a key type. */
const ATTR_MAP_FIELD: protobuf.IMapField = { keyType: "string", type: "AttrValue", id: 5 };

const TF_SCHEMA: protobuf.INamespace = {
  nested: {
    tensorflow: {
      nested: {
        GraphDef: {
          fields: {
            node: { rule: "repeated", type: "NodeDef", id: 1 },
            versions: { type: "VersionDef", id: 4 },
            version: { type: "int32", id: 3 },
          },
        },
        VersionDef: {
          fields: {
            producer: { type: "int32", id: 1 },
            min_consumer: { type: "int32", id: 2 },
          },
        },
        NodeDef: {
          fields: {
            name: { type: "string", id: 1 },
            op: { type: "string", id: 2 },
            input: { rule: "repeated", type: "string", id: 3 },
            device: { type: "string", id: 4 },
            attr: ATTR_MAP_FIELD,
          },
        },
        AttrValue: {
          oneofs: {
            value: { oneof: ["s", "i", "f", "b", "type", "shape", "tensor", "list", "func", "placeholder"] },
          },
          fields: {
            s: { type: "bytes", id: 2 },
            i: { type: "int64", id: 3 },
            f: { type: "float", id: 4 },
            b: { type: "bool", id: 5 },
            type: { type: "int32", id: 6 },
            shape: { type: "TensorShapeProto", id: 7 },
            tensor: { type: "TensorProto", id: 8 },
            list: { type: "ListValue", id: 1 },
            func: { type: "NameAttrList", id: 10 },
            placeholder: { type: "string", id: 9 },
          },
          nested: {
            ListValue: {
              fields: {
                s: { rule: "repeated", type: "bytes", id: 2 },
                i: { rule: "repeated", type: "int64", id: 3, options: { packed: true } },
                f: { rule: "repeated", type: "float", id: 4, options: { packed: true } },
                b: { rule: "repeated", type: "bool", id: 5, options: { packed: true } },
                type: { rule: "repeated", type: "int32", id: 6, options: { packed: true } },
                shape: { rule: "repeated", type: "TensorShapeProto", id: 7 },
                tensor: { rule: "repeated", type: "TensorProto", id: 8 },
              },
            },
          },
        },
        NameAttrList: {
          fields: {
            name: { type: "string", id: 1 },
          },
        },
        TensorProto: {
          fields: {
            dtype: { type: "int32", id: 1 },
            tensor_shape: { type: "TensorShapeProto", id: 2 },
            version_number: { type: "int32", id: 3 },
            tensor_content: { type: "bytes", id: 4 },
            half_val: { rule: "repeated", type: "int32", id: 13, options: { packed: true } },
            float_val: { rule: "repeated", type: "float", id: 5, options: { packed: true } },
            double_val: { rule: "repeated", type: "double", id: 6, options: { packed: true } },
            int_val: { rule: "repeated", type: "int32", id: 7, options: { packed: true } },
            string_val: { rule: "repeated", type: "bytes", id: 8 },
            scomplex_val: { rule: "repeated", type: "float", id: 9, options: { packed: true } },
            int64_val: { rule: "repeated", type: "int64", id: 10, options: { packed: true } },
            bool_val: { rule: "repeated", type: "bool", id: 11, options: { packed: true } },
            dcomplex_val: { rule: "repeated", type: "double", id: 12, options: { packed: true } },
            uint32_val: { rule: "repeated", type: "uint32", id: 16, options: { packed: true } },
            uint64_val: { rule: "repeated", type: "uint64", id: 17, options: { packed: true } },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: "repeated", type: "Dim", id: 2 },
            unknown_rank: { type: "bool", id: 3 },
          },
          nested: {
            Dim: {
              fields: {
                size: { type: "int64", id: 1 },
                name: { type: "string", id: 2 },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(TF_SCHEMA);

/** Resolved message type; `lookupType` throws at startup if the descriptor above is inconsistent. */
export const GraphDefType = root.lookupType("tensorflow.GraphDef");

/** TensorFlow DataType codes (types.proto) that name an element type. */
export const TF_DTYPE = {
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_INT16: 5,
  DT_INT8: 6,
  DT_STRING: 7,
  DT_COMPLEX64: 8,
  DT_INT64: 9,
  DT_BOOL: 10,
  DT_QINT8: 11,
  DT_QUINT8: 12,
  DT_QINT32: 13,
  DT_BFLOAT16: 14,
  DT_QINT16: 15,
  DT_QUINT16: 16,
  DT_UINT16: 17,
  DT_COMPLEX128: 18,
  DT_HALF: 19,
  DT_RESOURCE: 20,
  DT_VARIANT: 21,
  DT_UINT32: 22,
  DT_UINT64: 23,
} as const;
