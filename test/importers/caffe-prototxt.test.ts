import { describe, expect, it } from "vitest";
import { bindMessage } from "../../src/importers/caffe/prototxt-bind.js";
import { parseTextFormat } from "../../src/importers/caffe/prototxt.js";
import { NetParameterType } from "../../src/importers/caffe/schema.js";
import { errorOf } from "../support/errors.js";

const bind = (text: string) => bindMessage(parseTextFormat(text, "net.prototxt"), NetParameterType, "net.prototxt");


describe("prototxt reader", () => {
  it("reads nested messages, repeated fields, enums, strings, numbers and comments", () => {
    const net = bind(`
      name: 'a "net"'  # a comment
      input: "data" input_dim: 1 input_dim: 3, input_dim: 0x10; input_dim: 16
      layer <
        name: "pool" type: "Pooling"
        bottom: "data" top: "pool"
        pooling_param: { pool: AVE kernel_size: 3 stride: 2 round_mode: FLOOR }
      >
      layer { name: "el" type: "Eltwise" eltwise_param { operation: SUM coeff: [0.5, -2e-1, 3f] } }
      layers { name: "v1" type: CONVOLUTION convolution_param { num_output: 4 bias_term: false kernel_size: 1 } }
      layer { name: "s" type: "Mystery" bottom: "a" "b" mystery_param { x: 1 } weight_filler { type: "xavier" } }
    `);
    expect(net["name"]).toBe('a "net"');
    expect(net["input_dim"]).toEqual([1, 3, 16, 16]);
    const layers = net["layer"] as Record<string, unknown>[];
    expect(layers.map((l) => l["name"])).toEqual(["pool", "el", "s"]);
    expect(layers[0]!["pooling_param"]).toEqual({ pool: 1, kernel_size: [3], stride: [2], round_mode: 1, pad: [] });
    expect((layers[1]!["eltwise_param"] as Record<string, unknown>)["coeff"]).toEqual([0.5, -0.2, 3]);
    // Adjacent strings concatenate; fields outside the schema are skipped.
    expect(layers[2]!["bottom"]).toEqual(["ab"]);
    expect(layers[2]!["mystery_param"]).toBeUndefined();
    const v1 = (net["layers"] as Record<string, unknown>[])[0]!;
    expect(v1["type"]).toBe(4);
    expect((v1["convolution_param"] as Record<string, unknown>)["bias_term"]).toBe(false);
  });

  it("decodes escapes and special floats", () => {
    const net = bind(`name: "t\\tab\\x41\\101" layer { name: "p" power_param { power: -inf shift: .5 scale: 1e3 } }`);
    expect(net["name"]).toBe("t\tabAA");
    expect((net["layer"] as Record<string, Record<string, unknown>>[])[0]!["power_param"]).toEqual({ power: -Infinity, shift: 0.5, scale: 1000 });
  });

  const errors: readonly (readonly [string, string, RegExp])[] = [
    ["unclosed message", 'layer {\n  name: "x"\n', /net\.prototxt:3:1.*not closed/],
    ["unclosed string", 'name: "abc\n', /net\.prototxt:1:7: string is not closed/],
    ["bad character", "name: @", /net\.prototxt:1:7: unexpected character "@"/],
    ["missing colon", 'name "x"', /net\.prototxt:1:6: expected ":" or "\{"/],
    ["unknown enum value", 'layer { pooling_param { pool: MEDIAN } }', /1:31: "MEDIAN" is not a value of field "pool"; expected one of MAX, AVE, STOCHASTIC/],
    ["string for a number", 'input_dim: "3"', /1:12: field "input_dim" takes an integer/],
    ["fraction for an integer", "input_dim: 1.5", /1:12: field "input_dim" takes an integer/],
    ["negative unsigned", "layer { convolution_param { num_output: -1 } }", /out of range for field "num_output"/],
    ["message given a scalar", "layer: 3", /1:1: field "layer" is a message/],
    ["scalar given a message", "name { }", /1:6: field "name" takes a single value/],
    ["single field twice", 'name: "a" name: "b"', /1:11: field "name" is given twice/],
    ["bad bool", "layer { inner_product_param { bias_term: yes } }", /takes true or false/],
    ["list not closed", "input_dim: [1, 2", /expected "," or "\]"/],
  ];
  for (const [what, text, message] of errors) {
    it(`reports ${what} with its line:column`, () => {
      const e = errorOf(() => bind(text));
      expect(e.code).toBe("parse");
      expect(e.message).toMatch(message);
    });
  }

  it("bounds the nesting depth instead of overflowing the stack", () => {
    const e = errorOf(() => parseTextFormat("a {".repeat(10_000), "deep.prototxt"));
    expect(e.message).toMatch(/nested more than/);
  });
});
