/** How the field devices capture a visitor: the record panel's choices and the table's filter. */
export const CAPTURE_METHODS = ['business_card', 'event_badge', 'qr_code', 'manual'];
