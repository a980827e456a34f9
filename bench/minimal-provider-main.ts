/** The minimal provider's executable, bundled by the plan-scale bench (see minimal-provider.ts). */
import { serve } from "../provider/server";
import { minimalProvider } from "./minimal-provider";

serve(minimalProvider);
