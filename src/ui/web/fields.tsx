/** A labelled drop-down of plain choices; `onChange` gets the chosen value. */
export function Choice(props: {
  label: string;
  /** The accessible name, when the visible label is a fragment ("to"). */
  name?: string;
  value: string | undefined;
  options: readonly (string | { readonly value: string; readonly text: string })[];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label}{" "}
      <select
        value={props.value}
        aria-label={props.name}
        onChange={(e) => {
          props.onChange((e.target as HTMLSelectElement).value);
        }}
      >
        {props.options.map((o) => {
          const { value, text } = typeof o === "string" ? { value: o, text: o } : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}

/** A labelled number input, kept as text until it is used. */
export function NumberField(props: {
  label: string;
  value: string;
  min: string;
  onInput: (value: string) => void;
}) {
  return (
    <label>
      {props.label}{" "}
      <input
        type="number"
        min={props.min}
        step="any"
        value={props.value}
        onInput={(e) => {
          props.onInput((e.target as HTMLInputElement).value);
        }}
      />
    </label>
  );
}

/** A table's header row; an empty column name is read out as `hidden` says (a column of buttons). */
export function TableHead(props: { columns: readonly string[]; hidden?: string }) {
  return (
    <thead>
      <tr>
        {props.columns.map((c, i) => (
          <th scope="col" key={i}>
            {c === "" ? <span class="sr-only">{props.hidden ?? ""}</span> : c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
