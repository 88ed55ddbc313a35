import { useEffect, useRef } from "preact/hooks";

/**
 * A modal confirmation (the browser's <dialog>: focus moves into it and Escape cancels). Nothing
 * changes in the cluster before the user presses the confirming button.
 */
export function Confirm(props: {
  title: string;
  children: preact.ComponentChildren;
  action: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d !== null && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" onCancel={props.onCancel}>
      <h2 id="confirm-title">{props.title}</h2>
      <div class="confirm-body">{props.children}</div>
      <div class="buttons">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class={props.danger === true ? "danger" : "primary"} onClick={props.onConfirm}>
          {props.action}
        </button>
      </div>
    </dialog>
  );
}
