/** The `energy` field of an ok row: joules of the timed block per domain, idle baseline subtracted, or why not. */
import { z } from "zod";

/** One counter source that could not be read, with the fix. */
export const EnergyUnavailableSchema = z.object({
  /** `powercap` (CPU package/DRAM) or `nvidia-smi` (NVIDIA GPU). */
  source: z.string(),
  reason: z.string(),
  fix: z.string(),
});

/** Energy of a row's timed block, or why the hardware did not report it. */
export const EnergySchema = z.discriminatedUnion("available", [
  z.object({
    available: z.literal(true),
    /** Length of the timed block, s. */
    seconds: z.number(),
    /** Images inferred in it (runs × batch). */
    images: z.number(),
    /** Per counter: joules read, the idle power measured before the block (W) and joules minus idle × seconds. */
    domains: z.array(z.object({ name: z.string(), joules: z.number(), idleWatts: z.number(), netJoules: z.number() })),
    /** Sums over domains, J. */
    joules: z.number(),
    idleJoules: z.number(),
    netJoules: z.number(),
    /** netJoules / images, J; and its inverse, images per joule. */
    joulesPerImage: z.number(),
    imagesPerJoule: z.number(),
    /** How long the idle baseline was measured, s. */
    idleSeconds: z.number(),
    /** Sources that could not be read (e.g. no GPU), and caveats. */
    unavailable: z.array(EnergyUnavailableSchema),
  }),
  z.object({ available: z.literal(false), unavailable: z.array(EnergyUnavailableSchema) }),
]);

/** A row's energy. */
export type RowEnergy = z.infer<typeof EnergySchema>;
/** An unreadable source. */
export type EnergyUnavailable = z.infer<typeof EnergyUnavailableSchema>;
