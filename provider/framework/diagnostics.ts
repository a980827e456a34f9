/**
 * Diagnostics: how a provider tells terraform about errors and warnings. Resources add them through a
 * `Diagnostics` collector; any error a resource throws becomes one error diagnostic instead of a crash.
 */
import type { Diagnostic } from "../protocol/tfplugin6-messages";

export class Diagnostics {
  private readonly items: Diagnostic[] = [];

  /** `attribute` names the attribute at fault (nested ones dotted: `oidc_options.type`), so terraform underlines it in the configuration. */
  error(summary: string, detail?: string, attribute?: string): void {
    this.add("ERROR", summary, detail, attribute);
  }

  warning(summary: string, detail?: string, attribute?: string): void {
    this.add("WARNING", summary, detail, attribute);
  }

  get hasErrors(): boolean {
    return this.items.some((item) => item.severity === "ERROR");
  }

  toProtocol(): readonly Diagnostic[] {
    return [...this.items];
  }

  private add(
    severity: Diagnostic["severity"],
    summary: string,
    detail: string | undefined,
    attribute: string | undefined,
  ): void {
    this.items.push({
      severity,
      summary,
      detail: detail ?? "",
      ...(attribute
        ? { attribute: { steps: attribute.split(".").map((attribute_name) => ({ attribute_name })) } }
        : {}),
    });
  }
}

/** The error diagnostic for something a provider, resource or data source threw during `operation`. */
export function thrownDiagnostic(diagnostics: Diagnostics, operation: string, error: unknown): void {
  diagnostics.error(`${operation} failed`, error instanceof Error ? error.message : String(error));
}
