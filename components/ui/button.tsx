const variants = {
  primary: "bg-primary text-primary-foreground hover:bg-primary-hover",
  secondary: "border border-field-border bg-surface text-foreground hover:bg-accent",
  danger: "border border-danger-border bg-danger-surface text-danger hover:border-danger",
  ghost: "text-foreground hover:bg-accent",
  "ghost-danger": "text-danger hover:bg-danger-surface",
} as const;

type ButtonVariant = keyof typeof variants;

/** A button's look, for links that act as buttons. */
export function buttonClasses(variant: ButtonVariant = "primary", className = "") {
  return `inline-flex h-9 items-center justify-center gap-2 rounded-md px-4 text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${variants[variant]} ${className}`;
}

export function Button({
  variant = "primary",
  className,
  type = "button",
  ...props
}: React.ComponentProps<"button"> & { variant?: ButtonVariant }) {
  return <button type={type} className={buttonClasses(variant, className)} {...props} />;
}
