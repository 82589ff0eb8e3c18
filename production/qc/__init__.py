"""Quality control of drafts: rules as versioned data, a pure engine that scores drafts, and the QC use cases."""
