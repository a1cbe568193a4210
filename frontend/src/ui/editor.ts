import { autocompletion, closeBrackets, closeCompletion, closeBracketsKeymap, completionKeymap, type Completion, type CompletionContext } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import type { SqlSchemaConfig } from '../model/completion';
import { derivedTables } from '../model/derivedTables';
import { offsetOf, tokenRangeAt, type LineColumn } from '../model/textPosition';

export interface CellEditor {
  readonly view: EditorView;
  text(): string;
  setText(text: string): void;
  /** Completion from this schema from now on. */
  setSchema(schema: SqlSchemaConfig | undefined): void;
  /** Underlines the token at position (1-based, in the cell) with the message. */
  showError(position: LineColumn, message: string): void;
  clearErrors(): void;
  focus(): void;
}

export interface EditorOptions {
  readonly doc: string;
  readonly label: string;
  readonly readOnly?: boolean;
  readonly onChange?: (text: string) => void;
  /** Ctrl/Cmd+Enter. */
  readonly onRun?: () => void;
  /** Shift+Ctrl/Cmd+Enter. */
  readonly onRunAll?: () => void;
}

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--editor-bg)', color: 'var(--fg)', fontSize: '0.9rem' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active-line)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--editor-selection)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)' },
});

/** The page's Content-Security-Policy nonce, which the editor's style element must carry. */
function cspNonce(): string {
  return document.querySelector<HTMLMetaElement>('meta[name=csp-nonce]')?.content ?? '';
}

/** A CodeMirror 6 SQL editor for one cell. */
export function createEditor(parent: HTMLElement, options: EditorOptions): CellEditor {
  const language = new Compartment();
  let showingError = false;
  let functions: readonly { name: string; detail: string }[] = [];
  const functionCompletion = (context: CompletionContext) => {
    const word = context.matchBefore(/[\w$]+/);
    if (word === null || (word.from === word.to && !context.explicit) || functions.length === 0) return null;
    const options: Completion[] = functions.map((fn) => ({ label: fn.name, type: 'function', detail: fn.detail, apply: `${fn.name}(` }));
    return { from: word.from, options, validFor: /^[\w$]*$/ };
  };
  // CTEs and FROM-subqueries are not in the live schema; their columns come from the text.
  const derivedCompletion = (context: CompletionContext) => {
    const tables = derivedTables(context.state.doc.toString(), context.pos);
    if (tables.length === 0) return null;
    const member = context.matchBefore(/("(?:[^"]|"")+"|[\w$]+)\.[\w$]*$/);
    if (member !== null) {
      const qualifier = member.text.slice(0, member.text.lastIndexOf('.'));
      const name = qualifier.startsWith('"') ? qualifier.slice(1, -1).replaceAll('""', '"') : qualifier.toLowerCase();
      const table = tables.find((t) => t.name === name);
      if (table === undefined) return null;
      return { from: member.from + qualifier.length + 1, options: table.columns.map((c) => ({ label: c, type: 'property', detail: name })), validFor: /^[\w$]*$/ };
    }
    const word = context.matchBefore(/[\w$]+/);
    if (word === null || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options: tables.map((t) => ({ label: t.name, type: 'type', detail: 'defined in this statement' })), validFor: /^[\w$]*$/ };
  };
  const languageFor = (schema: SqlSchemaConfig | undefined) => {
    const config = schema === undefined ? { dialect: PostgreSQL } : { dialect: PostgreSQL, schema: schema.schema, ...(schema.defaultSchema === undefined ? {} : { defaultSchema: schema.defaultSchema }) };
    const lang = sql(config);
    return [lang, lang.language.data.of({ autocomplete: functionCompletion }), lang.language.data.of({ autocomplete: derivedCompletion })];
  };

  const runKeys = Prec.highest(
    keymap.of([
      { key: 'Mod-Enter', run: (view) => (closeCompletion(view), options.onRun?.(), true) },
      { key: 'Shift-Mod-Enter', run: (view) => (closeCompletion(view), options.onRunAll?.(), true) },
    ]),
  );
  const state = EditorState.create({
    doc: options.doc,
    extensions: [
      runKeys,
      lineNumbers(),
      history(),
      drawSelection(),
      highlightActiveLine(),
      bracketMatching(),
      closeBrackets(),
      highlightSelectionMatches(),
      autocompletion({ activateOnTyping: true }),
      lintGutter(),
      syntaxHighlighting(classHighlighter),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
      language.of(languageFor(undefined)),
      placeholder('SELECT …   (Ctrl+Enter runs the cell)'),
      EditorView.lineWrapping,
      theme,
      EditorView.cspNonce.of(cspNonce()),
      EditorView.contentAttributes.of({ 'aria-label': options.label }),
      EditorState.readOnly.of(options.readOnly === true),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          // An edit makes an earlier error's underline meaningless; no dispatch inside an update.
          if (showingError) {
            showingError = false;
            setTimeout(() => view.dispatch(setDiagnostics(view.state, [])));
          }
          options.onChange?.(update.state.doc.toString());
        }
      }),
    ],
  });
  const view = new EditorView({ state, parent });

  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setSchema(schema) {
      functions = schema?.functions ?? [];
      view.dispatch({ effects: language.reconfigure(languageFor(schema)) });
    },
    showError(position, message) {
      const text = view.state.doc.toString();
      const { from, to } = tokenRangeAt(text, offsetOf(text, position));
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: 'error', message }]));
      showingError = true;
    },
    clearErrors() {
      showingError = false;
      view.dispatch(setDiagnostics(view.state, []));
    },
    focus: () => view.focus(),
  };
}
