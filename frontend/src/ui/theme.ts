export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'taidon.theme';
const ORDER: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function nextTheme(current: ThemeChoice): ThemeChoice {
  return ORDER[(ORDER.indexOf(current) + 1) % ORDER.length]!;
}

/** Applies the stored theme (data-theme on <html>) and cycles it with the button: system → light → dark. */
export function installThemeToggle(button: HTMLElement | null, storage: Storage = window.localStorage): void {
  const stored = storage.getItem(KEY);
  let choice: ThemeChoice = ORDER.includes(stored as ThemeChoice) ? (stored as ThemeChoice) : 'system';
  const apply = (): void => {
    if (choice === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', choice);
    if (button !== null) {
      button.textContent = `Theme: ${choice}`;
      button.setAttribute('aria-label', `Colour theme: ${choice}. Press to change.`);
    }
  };
  apply();
  button?.addEventListener('click', () => {
    choice = nextTheme(choice);
    storage.setItem(KEY, choice);
    apply();
  });
}
