import { EgretError } from "../../src/index.js";

/** Runs `fn` and returns the EgretError it throws; fails the test if it throws nothing or anything else. */
export function errorOf(fn: () => unknown): EgretError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EgretError) return e;
    throw e;
  }
  throw new Error("expected an EgretError");
}
