import type { VisitorField } from './visitor';

/** How each visitor field is named to a person: on screen, in job labels, in the CLI. */
export const VISITOR_FIELD_LABELS: Record<VisitorField, string> = {
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
