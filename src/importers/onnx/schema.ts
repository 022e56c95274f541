import protobuf from "protobufjs";

/**
 * The subset of onnx.proto (proto2, package `onnx`) Egret reads, as a protobufjs JSON descriptor.
 * Field numbers and types are copied from onnx.proto; fields Egret never looks at (doc strings,
 * metadata, training info, quantization annotations) are left out, so the decoder skips them as
 * unknown fields. Model-local functions are read so that their calls can be inlined. Embedded in TypeScript so `tsc` output needs no data files.
 *
 * Repeated numeric fields are declared `packed` like in onnx.proto; protobufjs decoders accept
 * both the packed and the unpacked wire form either way (old exporters wrote unpacked ints).
 */
const ONNX_SCHEMA: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: "int64", id: 1 },
            opset_import: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producer_name: { type: "string", id: 2 },
            producer_version: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            model_version: { type: "int64", id: 5 },
            graph: { type: "GraphProto", id: 7 },
            functions: { rule: "repeated", type: "FunctionProto", id: 25 },
          },
        },
        FunctionProto: {
          fields: {
            name: { type: "string", id: 1 },
            input: { rule: "repeated", type: "string", id: 4 },
            output: { rule: "repeated", type: "string", id: 5 },
            attribute: { rule: "repeated", type: "string", id: 6 },
            attribute_proto: { rule: "repeated", type: "AttributeProto", id: 11 },
            node: { rule: "repeated", type: "NodeProto", id: 7 },
            opset_import: { rule: "repeated", type: "OperatorSetIdProto", id: 9 },
            domain: { type: "string", id: 10 },
            overload: { type: "string", id: 13 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: "string", id: 1 },
            version: { type: "int64", id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            sparse_initializer: { rule: "repeated", type: "SparseTensorProto", id: 15 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            value_info: { rule: "repeated", type: "ValueInfoProto", id: 13 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            op_type: { type: "string", id: 4 },
            domain: { type: "string", id: 7 },
            overload: { type: "string", id: 8 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            ref_attr_name: { type: "string", id: 21 },
            type: { type: "int32", id: 20 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            g: { type: "GraphProto", id: 6 },
            sparse_tensor: { type: "SparseTensorProto", id: 22 },
            tp: { type: "TypeProto", id: 14 },
            floats: { rule: "repeated", type: "float", id: 7, options: { packed: true } },
            ints: { rule: "repeated", type: "int64", id: 8, options: { packed: true } },
            strings: { rule: "repeated", type: "bytes", id: 9 },
            tensors: { rule: "repeated", type: "TensorProto", id: 10 },
            graphs: { rule: "repeated", type: "GraphProto", id: 11 },
            sparse_tensors: { rule: "repeated", type: "SparseTensorProto", id: 23 },
            type_protos: { rule: "repeated", type: "TypeProto", id: 15 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1, options: { packed: true } },
            data_type: { type: "int32", id: 2 },
            segment: { type: "Segment", id: 3 },
            float_data: { rule: "repeated", type: "float", id: 4, options: { packed: true } },
            int32_data: { rule: "repeated", type: "int32", id: 5, options: { packed: true } },
            string_data: { rule: "repeated", type: "bytes", id: 6 },
            int64_data: { rule: "repeated", type: "int64", id: 7, options: { packed: true } },
            name: { type: "string", id: 8 },
            raw_data: { type: "bytes", id: 9 },
            double_data: { rule: "repeated", type: "double", id: 10, options: { packed: true } },
            uint64_data: { rule: "repeated", type: "uint64", id: 11, options: { packed: true } },
            external_data: { rule: "repeated", type: "StringStringEntryProto", id: 13 },
            data_location: { type: "int32", id: 14 },
          },
          nested: {
            Segment: {
              fields: {
                begin: { type: "int64", id: 1 },
                end: { type: "int64", id: 2 },
              },
            },
          },
        },
        SparseTensorProto: {
          fields: {
            values: { type: "TensorProto", id: 1 },
            indices: { type: "TensorProto", id: 2 },
            dims: { rule: "repeated", type: "int64", id: 3, options: { packed: true } },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: "string", id: 1 },
            value: { type: "string", id: 2 },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: "repeated", type: "Dimension", id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dim_value", "dim_param"] } },
              fields: {
                dim_value: { type: "int64", id: 1 },
                dim_param: { type: "string", id: 2 },
                denotation: { type: "string", id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: {
            value: { oneof: ["tensor_type", "sequence_type", "map_type", "optional_type", "sparse_tensor_type", "opaque_type"] },
          },
          fields: {
            tensor_type: { type: "Tensor", id: 1 },
            sequence_type: { type: "Sequence", id: 4 },
            map_type: { type: "Map", id: 5 },
            optional_type: { type: "Optional", id: 9 },
            sparse_tensor_type: { type: "Tensor", id: 8 },
            opaque_type: { type: "Opaque", id: 7 },
            denotation: { type: "string", id: 6 },
          },
          nested: {
            // SparseTensor has the same fields as Tensor, so one message serves both.
            Tensor: {
              fields: {
                elem_type: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
            Sequence: { fields: { elem_type: { type: "TypeProto", id: 1 } } },
            Map: {
              fields: {
                key_type: { type: "int32", id: 1 },
                value_type: { type: "TypeProto", id: 2 },
              },
            },
            Optional: { fields: { elem_type: { type: "TypeProto", id: 1 } } },
            Opaque: {
              fields: {
                domain: { type: "string", id: 1 },
                name: { type: "string", id: 2 },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);

/** Resolved message types; `lookupType` throws at startup if the descriptor above is inconsistent. */
export const ModelProtoType = root.lookupType("onnx.ModelProto");
export const TensorProtoType = root.lookupType("onnx.TensorProto");

/** ONNX AttributeProto.AttributeType codes. */
export const ATTR_TYPE = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** TensorProto.DataLocation.EXTERNAL. */
export const DATA_LOCATION_EXTERNAL = 1;
