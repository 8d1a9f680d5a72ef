export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
