import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** The violations axe finds on the page as it is now, in both schemes, described for a failure message. */
export async function violationsInBothSchemes(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    // Colours change with a transition: checked once they have settled, not halfway between the two schemes.
    await page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
          .map((a) => a.finished.catch(() => undefined)),
      ),
    );
    const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
    for (const v of violations) {
      for (const node of v.nodes) found.push(`[${colorScheme}] ${v.id}: ${node.target.join(" ")} — ${node.failureSummary?.replace(/\s+/g, " ")}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}
