import { Dialog } from '../dialog/Dialog';

/** The workspace's keyboard map, shown in the UI: one list, so what is shown is what works. */
export const SHORTCUTS: [keys: string, what: string][] = [
  ['↑ ↓ / J K', 'Move between conflicts'],
  ['Shift + ↑ ↓', 'Extend the selection'],
  ['Space', 'Select or unselect the conflict'],
  ['Ctrl + A', 'Select all that match the filter'],
  ['← → / H L', 'Move between fields'],
  ['O / T / M', 'Pick ours / theirs / merged for the field'],
  ['E', 'Type a value for the field'],
  ['Shift + O / T / M', 'Ours / theirs / merge for the whole record'],
  ['S', 'Save the decision'],
  ['A', 'Apply: the selection’s decisions, or this one'],
  ['R', 'Rule per field for the selection'],
  ['Ctrl + Z / U', 'Undo the last apply'],
  ['/', 'Search'],
  ['Esc', 'Close / clear the selection'],
  ['?', 'Show or hide these shortcuts'],
];

export function ShortcutSheet(props: { onClose: () => void }) {
  return (
    <Dialog className="modal shortcuts" label="Keyboard shortcuts" onClose={props.onClose}>
      <h2>Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([k, w]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{w}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <footer className="modal-actions">
        <button className="primary" onClick={props.onClose}>
          Close
        </button>
      </footer>
    </Dialog>
  );
}
