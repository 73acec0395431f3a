/** Spectral estimates (scipy-exact), the paper's spectrogram images and PNG files. */
export { boxcar, hann, tukey } from "./window";
export type { WindowOptions } from "./window";
export { detrend } from "./detrend";
export type { DetrendOptions, DetrendType } from "./detrend";
export { RealDft, realDft } from "./real-dft";
export { StftPlan } from "./stft";
export type { SpectralScaling, StftPlanOptions } from "./stft";
export { defaultSpectrogramWindow, spectrogram } from "./spectrogram";
export type { Spectrogram, SpectrogramOptions } from "./spectrogram";
export { channelSpectrograms } from "./channel-spectrograms";
export type { ChannelSpectrograms, ChannelSpectrogramsOptions } from "./channel-spectrograms";
export { welch } from "./welch";
export type { WelchOptions, WelchResult } from "./welch";
export {
  SPECTROGRAM_IMAGE_CHANNELS,
  SPECTROGRAM_IMAGE_FREQS_HZ,
  SPECTROGRAM_IMAGE_HEIGHT,
  SPECTROGRAM_IMAGE_SHAPE,
  SPECTROGRAM_IMAGE_SIZE,
  SPECTROGRAM_IMAGE_TIMES_S,
  SPECTROGRAM_IMAGE_WIDTH,
  spectrogramImage,
} from "./spectrogram-image";
export type { SpectrogramImage, SpectrogramImageOptions } from "./spectrogram-image";
export { toDecibels } from "./decibels";
