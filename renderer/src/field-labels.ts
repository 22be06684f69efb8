/** How each visitor field is named on screen, everywhere in the window (the core uses the same words). */
export { VISITOR_FIELD_LABELS as FIELD_LABEL } from '../../shared/visitor-labels';
