// cdktf's jest matchers (toHaveResourceWithProperties, ...); checkpoint calls must never leave the machine.
process.env.CHECKPOINT_DISABLE = "1";
require("cdktf").Testing.setupJest();
