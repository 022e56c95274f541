import protobuf from "protobufjs";

/**
 * The subset of caffe.proto (proto2, package `caffe`) Egret reads, as a protobufjs JSON
 * descriptor. Field numbers are those of BVLC Caffe (plus SSD's `permute_param` = 202 and the
 * `upsample_param` = 149 of the YOLO ports); everything else (fillers, learning-rate specs, solver,
 * data sources, engines) is left out, so the binary decoder skips it as unknown fields and the
 * prototxt reader ignores it.
 *
 * Deliberate deviations from caffe.proto, all wire-compatible:
 * - int64/uint64 fields are declared int32/uint32. Both are varints on the wire; protobufjs then
 *   yields plain numbers instead of Long objects. Values beyond 32 bits are nonsense for every
 *   field read here (sizes, axes, counts) and are rejected by the layer converters' range checks.
 * - Fields that Caffe declares `optional` in one version and `repeated` in another (the pooling
 *   geometry) are declared `repeated`: a single occurrence reads as a one-element list.
 * - proto2 `[default = ...]` values are NOT declared here: every reader applies the Caffe default
 *   itself (see params.ts), because presence matters (kernel_size vs kernel_h).
 * - `interp_param` (DeepLab/PSPNet) is 143 in those forks, which collides with BVLC's
 *   `input_param`; it is given an unused number so that it is readable from a prototxt only.
 */
const shape = { rule: "repeated", type: "int32", id: 1, options: { packed: true } };

const CAFFE_SCHEMA: protobuf.INamespace = {
  nested: {
    caffe: {
      nested: {
        Phase: { values: { TRAIN: 0, TEST: 1 } },
        BlobShape: { fields: { dim: shape } },
        BlobProto: {
          fields: {
            shape: { type: "BlobShape", id: 7 },
            data: { rule: "repeated", type: "float", id: 5, options: { packed: true } },
            double_data: { rule: "repeated", type: "double", id: 8, options: { packed: true } },
            num: { type: "int32", id: 1 },
            channels: { type: "int32", id: 2 },
            height: { type: "int32", id: 3 },
            width: { type: "int32", id: 4 },
          },
        },
        NetState: {
          fields: {
            phase: { type: "Phase", id: 1 },
            level: { type: "int32", id: 2 },
            stage: { rule: "repeated", type: "string", id: 3 },
          },
        },
        NetStateRule: {
          fields: {
            phase: { type: "Phase", id: 1 },
            min_level: { type: "int32", id: 2 },
            max_level: { type: "int32", id: 3 },
            stage: { rule: "repeated", type: "string", id: 4 },
            not_stage: { rule: "repeated", type: "string", id: 5 },
          },
        },
        NetParameter: {
          fields: {
            name: { type: "string", id: 1 },
            input: { rule: "repeated", type: "string", id: 3 },
            input_shape: { rule: "repeated", type: "BlobShape", id: 8 },
            input_dim: { rule: "repeated", type: "int32", id: 4 },
            state: { type: "NetState", id: 6 },
            layer: { rule: "repeated", type: "LayerParameter", id: 100 },
            layers: { rule: "repeated", type: "V1LayerParameter", id: 2 },
          },
        },
        LayerParameter: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "string", id: 2 },
            bottom: { rule: "repeated", type: "string", id: 3 },
            top: { rule: "repeated", type: "string", id: 4 },
            phase: { type: "Phase", id: 10 },
            blobs: { rule: "repeated", type: "BlobProto", id: 7 },
            include: { rule: "repeated", type: "NetStateRule", id: 8 },
            exclude: { rule: "repeated", type: "NetStateRule", id: 9 },
            transform_param: { type: "TransformationParameter", id: 100 },
            batch_norm_param: { type: "BatchNormParameter", id: 139 },
            bias_param: { type: "BiasParameter", id: 141 },
            clip_param: { type: "ClipParameter", id: 148 },
            concat_param: { type: "ConcatParameter", id: 104 },
            convolution_param: { type: "ConvolutionParameter", id: 106 },
            crop_param: { type: "CropParameter", id: 144 },
            dropout_param: { type: "DropoutParameter", id: 108 },
            eltwise_param: { type: "EltwiseParameter", id: 110 },
            elu_param: { type: "ELUParameter", id: 140 },
            exp_param: { type: "ExpParameter", id: 111 },
            flatten_param: { type: "FlattenParameter", id: 135 },
            inner_product_param: { type: "InnerProductParameter", id: 117 },
            input_param: { type: "InputParameter", id: 143 },
            interp_param: { type: "InterpParameter", id: 2143 },
            lrn_param: { type: "LRNParameter", id: 118 },
            permute_param: { type: "PermuteParameter", id: 202 },
            pooling_param: { type: "PoolingParameter", id: 121 },
            power_param: { type: "PowerParameter", id: 122 },
            prelu_param: { type: "PReLUParameter", id: 131 },
            relu_param: { type: "ReLUParameter", id: 123 },
            reshape_param: { type: "ReshapeParameter", id: 133 },
            scale_param: { type: "ScaleParameter", id: 142 },
            slice_param: { type: "SliceParameter", id: 126 },
            softmax_param: { type: "SoftmaxParameter", id: 125 },
            upsample_param: { type: "UpsampleParameter", id: 149 },
          },
        },
        V1LayerParameter: {
          fields: {
            name: { type: "string", id: 4 },
            type: { type: "V1LayerType", id: 5 },
            bottom: { rule: "repeated", type: "string", id: 2 },
            top: { rule: "repeated", type: "string", id: 3 },
            blobs: { rule: "repeated", type: "BlobProto", id: 6 },
            include: { rule: "repeated", type: "NetStateRule", id: 32 },
            exclude: { rule: "repeated", type: "NetStateRule", id: 33 },
            transform_param: { type: "TransformationParameter", id: 36 },
            concat_param: { type: "ConcatParameter", id: 9 },
            convolution_param: { type: "ConvolutionParameter", id: 10 },
            dropout_param: { type: "DropoutParameter", id: 12 },
            eltwise_param: { type: "EltwiseParameter", id: 24 },
            exp_param: { type: "ExpParameter", id: 41 },
            inner_product_param: { type: "InnerProductParameter", id: 17 },
            lrn_param: { type: "LRNParameter", id: 18 },
            pooling_param: { type: "PoolingParameter", id: 19 },
            power_param: { type: "PowerParameter", id: 21 },
            relu_param: { type: "ReLUParameter", id: 30 },
            slice_param: { type: "SliceParameter", id: 31 },
            softmax_param: { type: "SoftmaxParameter", id: 39 },
          },
        },
        V1LayerType: {
          values: {
            NONE: 0, ABSVAL: 35, ACCURACY: 1, ARGMAX: 30, BNLL: 2, CONCAT: 3, CONTRASTIVE_LOSS: 37,
            CONVOLUTION: 4, DATA: 5, DECONVOLUTION: 39, DROPOUT: 6, DUMMY_DATA: 32, EUCLIDEAN_LOSS: 7,
            ELTWISE: 25, EXP: 38, FLATTEN: 8, HDF5_DATA: 9, HDF5_OUTPUT: 10, HINGE_LOSS: 28, IM2COL: 11,
            IMAGE_DATA: 12, INFOGAIN_LOSS: 13, INNER_PRODUCT: 14, LRN: 15, MEMORY_DATA: 29,
            MULTINOMIAL_LOGISTIC_LOSS: 16, MVN: 34, POOLING: 17, POWER: 26, RELU: 18, SIGMOID: 19,
            SIGMOID_CROSS_ENTROPY_LOSS: 27, SILENCE: 36, SOFTMAX: 20, SOFTMAX_LOSS: 21, SPLIT: 22,
            SLICE: 33, TANH: 23, WINDOW_DATA: 24, THRESHOLD: 31,
          },
        },
        TransformationParameter: {
          fields: {
            scale: { type: "float", id: 1 },
            mean_file: { type: "string", id: 4 },
            mean_value: { rule: "repeated", type: "float", id: 5 },
          },
        },
        BatchNormParameter: {
          fields: {
            use_global_stats: { type: "bool", id: 1 },
            eps: { type: "float", id: 3 },
          },
        },
        BiasParameter: {
          fields: {
            axis: { type: "int32", id: 1 },
            num_axes: { type: "int32", id: 2 },
          },
        },
        ClipParameter: {
          fields: {
            min: { type: "float", id: 1 },
            max: { type: "float", id: 2 },
          },
        },
        ConcatParameter: {
          fields: {
            concat_dim: { type: "uint32", id: 1 },
            axis: { type: "int32", id: 2 },
          },
        },
        ConvolutionParameter: {
          fields: {
            num_output: { type: "uint32", id: 1 },
            bias_term: { type: "bool", id: 2 },
            pad: { rule: "repeated", type: "uint32", id: 3 },
            kernel_size: { rule: "repeated", type: "uint32", id: 4 },
            stride: { rule: "repeated", type: "uint32", id: 6 },
            dilation: { rule: "repeated", type: "uint32", id: 18 },
            pad_h: { type: "uint32", id: 9 },
            pad_w: { type: "uint32", id: 10 },
            kernel_h: { type: "uint32", id: 11 },
            kernel_w: { type: "uint32", id: 12 },
            stride_h: { type: "uint32", id: 13 },
            stride_w: { type: "uint32", id: 14 },
            group: { type: "uint32", id: 5 },
            axis: { type: "int32", id: 16 },
          },
        },
        CropParameter: {
          fields: {
            axis: { type: "int32", id: 1 },
            offset: { rule: "repeated", type: "uint32", id: 2 },
          },
        },
        DropoutParameter: { fields: { dropout_ratio: { type: "float", id: 1 } } },
        EltwiseParameter: {
          nested: { EltwiseOp: { values: { PROD: 0, SUM: 1, MAX: 2 } } },
          fields: {
            operation: { type: "EltwiseOp", id: 1 },
            coeff: { rule: "repeated", type: "float", id: 2 },
          },
        },
        ELUParameter: { fields: { alpha: { type: "float", id: 1 } } },
        ExpParameter: {
          fields: {
            base: { type: "float", id: 1 },
            scale: { type: "float", id: 2 },
            shift: { type: "float", id: 3 },
          },
        },
        FlattenParameter: {
          fields: {
            axis: { type: "int32", id: 1 },
            end_axis: { type: "int32", id: 2 },
          },
        },
        InnerProductParameter: {
          fields: {
            num_output: { type: "uint32", id: 1 },
            bias_term: { type: "bool", id: 2 },
            axis: { type: "int32", id: 5 },
            transpose: { type: "bool", id: 6 },
          },
        },
        InputParameter: { fields: { shape: { rule: "repeated", type: "BlobShape", id: 1 } } },
        InterpParameter: {
          fields: {
            height: { type: "int32", id: 1 },
            width: { type: "int32", id: 2 },
            zoom_factor: { type: "int32", id: 3 },
            shrink_factor: { type: "int32", id: 4 },
            pad_beg: { type: "int32", id: 5 },
            pad_end: { type: "int32", id: 6 },
          },
        },
        LRNParameter: {
          nested: { NormRegion: { values: { ACROSS_CHANNELS: 0, WITHIN_CHANNEL: 1 } } },
          fields: {
            local_size: { type: "uint32", id: 1 },
            alpha: { type: "float", id: 2 },
            beta: { type: "float", id: 3 },
            norm_region: { type: "NormRegion", id: 4 },
            k: { type: "float", id: 5 },
          },
        },
        PermuteParameter: { fields: { order: { rule: "repeated", type: "uint32", id: 1 } } },
        PoolingParameter: {
          nested: {
            PoolMethod: { values: { MAX: 0, AVE: 1, STOCHASTIC: 2 } },
            RoundMode: { values: { CEIL: 0, FLOOR: 1 } },
          },
          fields: {
            pool: { type: "PoolMethod", id: 1 },
            pad: { rule: "repeated", type: "uint32", id: 4 },
            pad_h: { type: "uint32", id: 9 },
            pad_w: { type: "uint32", id: 10 },
            kernel_size: { rule: "repeated", type: "uint32", id: 2 },
            kernel_h: { type: "uint32", id: 5 },
            kernel_w: { type: "uint32", id: 6 },
            stride: { rule: "repeated", type: "uint32", id: 3 },
            stride_h: { type: "uint32", id: 7 },
            stride_w: { type: "uint32", id: 8 },
            global_pooling: { type: "bool", id: 12 },
            round_mode: { type: "RoundMode", id: 13 },
          },
        },
        PowerParameter: {
          fields: {
            power: { type: "float", id: 1 },
            scale: { type: "float", id: 2 },
            shift: { type: "float", id: 3 },
          },
        },
        PReLUParameter: { fields: { channel_shared: { type: "bool", id: 2 } } },
        ReLUParameter: { fields: { negative_slope: { type: "float", id: 1 } } },
        ReshapeParameter: {
          fields: {
            shape: { type: "BlobShape", id: 1 },
            axis: { type: "int32", id: 2 },
            num_axes: { type: "int32", id: 3 },
          },
        },
        ScaleParameter: {
          fields: {
            axis: { type: "int32", id: 1 },
            num_axes: { type: "int32", id: 2 },
            bias_term: { type: "bool", id: 4 },
          },
        },
        SliceParameter: {
          fields: {
            slice_dim: { type: "uint32", id: 1 },
            slice_point: { rule: "repeated", type: "uint32", id: 2 },
            axis: { type: "int32", id: 3 },
          },
        },
        SoftmaxParameter: { fields: { axis: { type: "int32", id: 2 } } },
        UpsampleParameter: { fields: { scale: { type: "int32", id: 1 } } },
      },
    },
  },
};

/**
 * A second, minimal view of NetParameter for reading weights only (when a deploy prototxt gives
 * the structure): layer names, types and blobs. Layer parameters are skipped unread, so a
 * caffemodel written by a Caffe fork whose custom parameters reuse a field number of this schema
 * still loads.
 */
const WEIGHTS_SCHEMA: protobuf.INamespace = {
  nested: {
    caffe_weights: {
      nested: {
        NetParameter: {
          fields: {
            name: { type: "string", id: 1 },
            layer: { rule: "repeated", type: "LayerParameter", id: 100 },
            layers: { rule: "repeated", type: "V1LayerParameter", id: 2 },
          },
        },
        LayerParameter: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "string", id: 2 },
            blobs: { rule: "repeated", type: "caffe.BlobProto", id: 7 },
          },
        },
        V1LayerParameter: {
          fields: {
            name: { type: "string", id: 4 },
            type: { type: "caffe.V1LayerType", id: 5 },
            blobs: { rule: "repeated", type: "caffe.BlobProto", id: 6 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(CAFFE_SCHEMA);
root.addJSON(WEIGHTS_SCHEMA.nested!);

export const NetParameterType = root.lookupType("caffe.NetParameter");
export const WeightsNetParameterType = root.lookupType("caffe_weights.NetParameter");
export const V1LayerTypeEnum = root.lookupEnum("caffe.V1LayerType");
