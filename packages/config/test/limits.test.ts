import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.ts';
import { configFile } from '../src/testing.ts';

describe('limits', () => {
  it('has documented defaults, the same in the shipped file', () => {
    const expected = { seriesPerMetric: 1_000, newSeriesPerMinute: 10_000, labelsPerSample: 20, labelNameLength: 100, labelValueLength: 1_024 };
    expect(loadConfig({ env: {} }).limits).toEqual(expected);
    expect(loadConfig({ file: configFile('{}\n'), env: {} }).limits).toEqual(expected);
  });

  it('reads each limit from the file', () => {
    const file = configFile('limits:\n  series_per_metric: 5\n  new_series_per_minute: 50\n  labels_per_sample: 3\n  label_name_length: 10\n  label_value_length: 20\n');
    expect(loadConfig({ file, env: {} }).limits).toEqual({ seriesPerMetric: 5, newSeriesPerMinute: 50, labelsPerSample: 3, labelNameLength: 10, labelValueLength: 20 });
  });

  it('names the file, the key and the problem of a bad limit', () => {
    const file = configFile('limits:\n  series_per_metric: 0\n  labels_per_sample: 40\n  new_series_per_minute: lots\n  series_per_label: 3\n');
    let error: unknown;
    try {
      loadConfig({ file, env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(file.split('/').pop());
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^limits\.series_per_metric: .*>=\s*1/),
        expect.stringMatching(/^limits\.labels_per_sample: must be at most 32/),
        expect.stringMatching(/^limits\.new_series_per_minute: .*number/),
        expect.stringMatching(/^limits: unknown key "series_per_label"/),
      ]),
    );
  });
});
