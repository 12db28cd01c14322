import { Modal } from '../ui.tsx';
import { cheatSheetRows } from '../actions/cheatSheet.ts';
import { AltNote, seedCtrlFor } from '../shortcuts/seedKeys.tsx';

/** `?`: every key the app answers, listed from the action registries. */
export function CheatSheet({ onClose }: { onClose: () => void }) {
  return (
    <Modal
      title="Keyboard shortcuts"
      onClose={onClose}
      footer={
        <button className="btn" onClick={onClose}>
          Close
        </button>
      }
    >
      <AltNote />
      <table className="shortcuts">
        <tbody>
          {cheatSheetRows().map(([keys, what]) => (
            <tr key={what}>
              <td>
                {keys.split(' / ').map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' or '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>
                {what}
                {seedCtrlFor(keys) && <span className="muted small"> (instead of {seedCtrlFor(keys)})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
