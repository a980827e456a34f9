/** The toy provider's executable: what terraform (or a protocol test acting as terraform) starts. */
import { providerServer } from "../../provider/framework";
import { serve } from "../../provider/server";
import { toyProvider } from "./toy-provider";

serve(providerServer(toyProvider));
