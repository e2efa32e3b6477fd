import type { OfficeWriter } from './documents.service';

// The Office writers, loaded on the first download rather than at start: their libraries (pptxgenjs, docx and the
// jszip beneath both) hold memory from the moment they load, and an instance may serve pages for hours before anyone
// downloads a file. The trainer's pack loads them in its own worker.

export const lazyOfficeWriter: OfficeWriter = {
  deckToPptx: async (...args) => (await import('./pptx')).deckToPptx(...args),
  modulesToDocx: async (...args) => (await import('./docx')).modulesToDocx(...args),
  facilitatorGuideDocx: async (...args) => (await import('./docx')).facilitatorGuideDocx(...args),
};
