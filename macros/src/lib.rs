use proc_macro::TokenStream;
#[proc_macro_derive(AuthModel, attributes(auth))]
pub fn derive(_i: TokenStream) -> TokenStream { TokenStream::new() }
#[proc_macro_derive(AuthSchema, attributes(auth))]
pub fn derive_schema(_i: TokenStream) -> TokenStream { TokenStream::new() }
