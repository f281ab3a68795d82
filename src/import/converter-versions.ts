/**
 * Which converter versions fit a scikit-learn version: the skl2onnx release made for that
 * scikit-learn, and the onnx it was tested with (a newer onnx can break an older skl2onnx, and an
 * older skl2onnx may not know a newer scikit-learn's estimators). Newest first. The 1.9 and 1.6
 * rows are the ones the test suite installs (scripts/python/requirements/import-sklearn-*.txt).
 */
const releases: Array<{ sklearn: [number, number]; skl2onnx: string; onnxmltools: string; onnx: string }> = [
  { sklearn: [1, 8], skl2onnx: '1.20.0', onnxmltools: '1.16.0', onnx: '1.23.2' },
  { sklearn: [1, 7], skl2onnx: '1.19.1', onnxmltools: '1.14.0', onnx: '1.18.0' },
  { sklearn: [1, 6], skl2onnx: '1.18.0', onnxmltools: '1.13.0', onnx: '1.17.0' },
  { sklearn: [1, 5], skl2onnx: '1.17.0', onnxmltools: '1.12.0', onnx: '1.16.2' },
  { sklearn: [1, 4], skl2onnx: '1.16.0', onnxmltools: '1.12.0', onnx: '1.15.0' },
  { sklearn: [1, 3], skl2onnx: '1.15.0', onnxmltools: '1.11.2', onnx: '1.14.1' },
];

/** onnxruntime for checking an .onnx artifact; any recent one reads what the converters write. */
const onnxruntime = '1.31.1';

/** Python distributions by the module name an import error reports. */
const distributions: Record<string, string> = {
  sklearn: 'scikit-learn',
  skl2onnx: 'skl2onnx',
  onnxmltools: 'onnxmltools',
  onnx: 'onnx',
  onnxruntime: 'onnxruntime',
  xgboost: 'xgboost',
  lightgbm: 'lightgbm',
  joblib: 'joblib',
  numpy: 'numpy',
  pandas: 'pandas',
};

/** `python -m pip install …` for a missing package, with the versions that fit what is installed. */
export function pipInstallLine(python: string, module: string, installed: Record<string, string>): string {
  const release = releaseFor(installed['scikit-learn']);
  const pins: Record<string, string[]> = {
    skl2onnx: [`skl2onnx==${release.skl2onnx}`, `onnx==${release.onnx}`],
    onnxmltools: [`onnxmltools==${release.onnxmltools}`, `onnx==${release.onnx}`],
    onnx: [`onnx==${release.onnx}`],
    onnxruntime: [`onnxruntime==${onnxruntime}`],
  };
  const packages = pins[module] ?? [distributions[module] ?? module];
  // skl2onnx is also what onnxmltools' scikit-learn wrappers convert through.
  if (module === 'onnxmltools' && installed['scikit-learn'] && !installed.skl2onnx)
    packages.push(`skl2onnx==${release.skl2onnx}`);
  return `${python} -m pip install ${packages.join(' ')}`;
}

function releaseFor(sklearn: string | undefined) {
  const [major, minor] = (sklearn ?? '').split('.').map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return releases[0]!;
  return (
    releases.find(
      (release) => major > release.sklearn[0] || (major === release.sklearn[0] && minor >= release.sklearn[1]),
    ) ?? releases.at(-1)!
  );
}
