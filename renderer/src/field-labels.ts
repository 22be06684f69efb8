import type { VisitorField } from '../../shared/visitor';

/** How each visitor field is named on screen, everywhere in the window. */
export const FIELD_LABEL: Record<VisitorField, string> = {
  name: 'Name',
  company: 'Company',
  email: 'Email',
  title: 'Title',
  phone: 'Phone',
  interests: 'Interests',
  notes: 'Notes',
  captureMethod: 'Capture method',
  capturedAt: 'Captured at',
};
